/**
 * GraphiQL without the internet. yoga's built-in page loads its script, styles and editor workers
 * from unpkg.com, so on a plant network without internet access it never gets past "Loading".
 * Here the same bundle comes from the installed @graphql-yoga/render-graphiql package and is
 * served by this server under /graphiql/. That package's own renderGraphiQL inlines all of it
 * (about 9 MB) into every page; separate files let the browser cache them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphiQLOptions } from 'graphql-yoga';
import { sendJson, type Handler } from './http.ts';

/** The prefix the assets are served under. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

interface Asset {
  type: string;
  body: Buffer;
}

type AssetName = 'graphiql.js' | 'graphiql.css' | 'favicon.ico' | 'editor.worker.js' | 'json.worker.js' | 'graphql.worker.js';

let assets: Promise<Map<string, Asset>> | undefined;

/** Loaded on the first request only: the bundle is 9 MB of strings that `serve` need not hold otherwise. */
function loadAssets(): Promise<Map<string, Asset>> {
  assets ??= import('@graphql-yoga/render-graphiql/graphiql').then((m) => {
    const js = 'text/javascript; charset=utf-8';
    const favicon = /^data:([^;]+);base64,(.*)$/.exec(m.favicon);
    const entries: [AssetName, Asset][] = [
      ['graphiql.js', { type: js, body: Buffer.from(m.js) }],
      ['graphiql.css', { type: 'text/css; charset=utf-8', body: Buffer.from(m.css) }],
      ['editor.worker.js', { type: js, body: Buffer.from(m.editorWorkerService) }],
      ['json.worker.js', { type: js, body: Buffer.from(m.jsonWorker) }],
      ['graphql.worker.js', { type: js, body: Buffer.from(m.graphqlWorker) }],
    ];
    if (favicon?.[1] && favicon[2]) entries.push(['favicon.ico', { type: favicon[1], body: Buffer.from(favicon[2], 'base64') }]);
    return new Map(entries);
  });
  return assets;
}

/** Serves the GraphiQL bundle under GRAPHIQL_ASSETS_PATH (GET and HEAD). */
export const graphiqlAssets: Handler = async (req: IncomingMessage, res: ServerResponse, path: string) => {
  const asset = (await loadAssets()).get(path.slice(GRAPHIQL_ASSETS_PATH.length));
  if (!asset) return sendJson(res, 404, { error: `no GraphiQL asset ${path}` });
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': String(asset.body.length),
    // The file names carry no version: an hour keeps reloads cheap and an upgrade visible soon.
    'cache-control': 'public, max-age=3600',
  });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
};

/** Inside <script>: JSON may contain "</script>", which would end the element early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * The page GET /graphql answers a browser with (yoga's `renderGraphiQL` option). Asset URLs are
 * relative to /graphql, so they keep working behind a reverse proxy that adds a path prefix.
 */
export function renderGraphiQL(opts: GraphiQLOptions = {}): string {
  const base = `.${GRAPHIQL_ASSETS_PATH}`;
  const title = escapeHtml(opts.title ?? 'tracegraph GraphiQL');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="${base}favicon.ico">
<link rel="stylesheet" href="${base}graphiql.css">
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading ${title}...</div>
<script>
// Monaco starts its workers from blob URLs, as yoga's own page does.
const workerFiles = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
const workers = {};
function prepareWorkers() {
  return Promise.all(Object.entries(workerFiles).map(async ([label, file]) => {
    const text = await (await fetch(${scriptJson(base)} + file)).text();
    workers[label] = URL.createObjectURL(new Blob([text], { type: 'application/javascript' }));
  }));
}
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] };
</script>
<script src="${base}graphiql.js"></script>
<script>
prepareWorkers().finally(() => YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${scriptJson(opts)}));
</script>
</body>
</html>
`;
}
