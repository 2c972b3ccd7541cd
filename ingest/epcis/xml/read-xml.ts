/** EPCIS XML (2.0 and 1.x) -> events in the EPCIS 2.0 JSON shape. */
import { TracegraphError } from '../../../core/errors.ts';
import type { EpcisDocumentInfo, EpcisEventRead } from '../document.ts';

// eslint-disable-next-line require-yield
export async function* readXmlDocument(
  chunks: AsyncIterable<string>,
  file: string,
  info: EpcisDocumentInfo,
): AsyncGenerator<EpcisEventRead> {
  void chunks;
  void info;
  throw new TracegraphError('BAD_EPCIS', 'EPCIS XML is not supported yet; send the JSON-LD form of the document', {
    where: file,
  });
}
