import type { StoredMetricPoint, WantedSeries } from "./records.js";
import type { Store } from "./store.js";

/**
 * listMetricSeries for a store that answers in-process (memory, SQLite): one indexed read per job costs no round
 * trip, so there is nothing to save by reading them together. A name given twice keeps the last metric's series.
 */
export async function seriesOneByOne(
  store: Pick<Store, "listMetricPoints">,
  wanted: readonly WantedSeries[],
): Promise<Map<string, StoredMetricPoint[]>> {
  const series = new Map<string, StoredMetricPoint[]>();
  for (const { trainingJobName, metricName } of wanted) {
    series.set(trainingJobName, await store.listMetricPoints(trainingJobName, { metricName }));
  }
  return series;
}
