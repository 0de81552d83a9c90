import * as echarts from "echarts";
import type { ChartOption } from "./echarts-options.js";

/** An ECharts option drawn server-side as a standalone SVG document. */
export function renderSvg(option: ChartOption, width = 640, height = 360): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The same chart as PNG, rasterised by resvg (no browser, no native canvas). */
export async function renderPng(svg: string, width = 1280): Promise<Buffer> {
  const { Resvg } = await import("@resvg/resvg-js");
  return new Resvg(svg, { fitTo: { mode: "width", value: width }, background: "white" }).render().asPng();
}
