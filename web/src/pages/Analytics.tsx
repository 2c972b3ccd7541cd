/**
 * Quality and equipment analytics: yield and defect trends by line, shift, operator, equipment,
 * material lot or recipe (`qualityStats`), the defect Pareto, defect rate against time since
 * maintenance and calibration (`equipmentCorrelation`), and the specs with their versions.
 * ECharts is loaded with this page only.
 */
import { useQuery } from '@apollo/client/react';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../graphql.ts';
import { fmtNum, fmtPct, fmtTime } from '../i18n.ts';
import { ErrorBox, Loading } from '../ui.tsx';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

const STATS = graphql(`
  query Analytics($groupBy: QualityGroupBy!, $from: String) {
    qualityStats(groupBy: $groupBy, from: $from) {
      units
      firstPassYield
      defectRate
      defectPareto {
        code
        count
        share
        cumulativeShare
      }
      groups {
        group
        units
        firstPassYield
        defectRate
        series {
          bucket
          defectRate
          firstPassYield
        }
      }
    }
    equipmentCorrelation {
      equipmentId
      processed
      defectRate
      sinceMaintenance {
        label
        defectRate
        processed
      }
      sinceCalibration {
        label
        defectRate
        processed
      }
    }
    specs(history: true) {
      equipmentId
      parameter
      lsl
      usl
      version
      changedAt
      changedBy
      reason
    }
  }
`);

const GROUPS = ['LINE', 'SHIFT', 'OPERATOR', 'EQUIPMENT', 'MATERIAL_LOT', 'RECIPE'] as const;

function Chart({ option, label }: { option: echarts.EChartsCoreOption; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption(option);
    const onResize = () => chart.resize();
    addEventListener('resize', onResize);
    return () => {
      removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [option]);
  return <div ref={ref} className="chart" role="img" aria-label={label} />;
}

export default function Analytics() {
  const { t } = useTranslation();
  const [groupBy, setGroupBy] = useState<(typeof GROUPS)[number]>('LINE');
  const { data, error, loading } = useQuery(STATS, { variables: { groupBy } });
  const q = data?.qualityStats;
  return (
    <>
      <h1>{t('analytics.title')}</h1>
      <label>
        {t('analytics.groupBy')}{' '}
        <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as (typeof GROUPS)[number])}>
          {GROUPS.map((g) => (
            <option key={g} value={g}>
              {t(`analytics.by.${g}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {q && (
        <div className="cards">
          <section className="card wide" aria-labelledby="h-yield">
            <h2 id="h-yield">
              {t('analytics.yield')} · {fmtPct(q.firstPassYield)} ({fmtNum(q.units)} {t('recall.units')})
            </h2>
            <Chart
              label={t('analytics.yield')}
              option={{
                tooltip: { trigger: 'axis' },
                legend: {},
                xAxis: { type: 'category', data: [...new Set(q.groups.flatMap((g) => g.series.map((s) => s.bucket)))].sort() },
                yAxis: { type: 'value', min: 0, max: 1 },
                series: q.groups.slice(0, 8).map((g) => ({
                  name: g.group,
                  type: 'line',
                  data: g.series.map((s) => [s.bucket, s.firstPassYield]),
                })),
              }}
            />
          </section>
          <section className="card wide" aria-labelledby="h-par">
            <h2 id="h-par">{t('board.pareto')}</h2>
            <Chart
              label={t('board.pareto')}
              option={{
                tooltip: {},
                xAxis: { type: 'category', data: q.defectPareto.map((d) => d.code) },
                yAxis: [{ type: 'value' }, { type: 'value', min: 0, max: 1 }],
                series: [
                  { type: 'bar', data: q.defectPareto.map((d) => d.count) },
                  { type: 'line', yAxisIndex: 1, data: q.defectPareto.map((d) => d.cumulativeShare) },
                ],
              }}
            />
          </section>
          <section className="card wide" aria-labelledby="h-corr">
            <h2 id="h-corr">{t('analytics.correlation')}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('lookup.equipment')}</th>
                  <th scope="col">{t('analytics.processed')}</th>
                  <th scope="col">{t('analytics.defectRate')}</th>
                  <th scope="col">{t('analytics.sinceMaintenance')}</th>
                  <th scope="col">{t('analytics.sinceCalibration')}</th>
                </tr>
              </thead>
              <tbody>
                {data.equipmentCorrelation.map((e) => (
                  <tr key={e.equipmentId}>
                    <td>{e.equipmentId}</td>
                    <td>{fmtNum(e.processed)}</td>
                    <td>{fmtPct(e.defectRate)}</td>
                    <td>{e.sinceMaintenance.map((b) => `${b.label}: ${fmtPct(b.defectRate)}`).join(' · ')}</td>
                    <td>{e.sinceCalibration.map((b) => `${b.label}: ${fmtPct(b.defectRate)}`).join(' · ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card wide" aria-labelledby="h-specs">
            <h2 id="h-specs">{t('analytics.specs')}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('lookup.equipment')}</th>
                  <th scope="col">{t('recall.parameter')}</th>
                  <th scope="col">LSL</th>
                  <th scope="col">USL</th>
                  <th scope="col">{t('analytics.version')}</th>
                  <th scope="col">{t('analytics.changed')}</th>
                </tr>
              </thead>
              <tbody>
                {data.specs.map((s) => (
                  <tr key={`${s.equipmentId}-${s.parameter}-${s.version}`}>
                    <td>{s.equipmentId ?? '*'}</td>
                    <td>{s.parameter}</td>
                    <td>{fmtNum(s.lsl, 2)}</td>
                    <td>{fmtNum(s.usl, 2)}</td>
                    <td>{s.version}</td>
                    <td>
                      {fmtTime(s.changedAt)} · {s.changedBy} · {s.reason}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </>
  );
}
