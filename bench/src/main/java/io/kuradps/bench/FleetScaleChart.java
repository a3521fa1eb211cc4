package io.kuradps.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The fleet-at-scale chart: register requests per gateway, and the time until all are assigned over the floor N / R,
 * against the fleet's size at one rate, one line per policy that assigns the whole fleet.
 */
final class FleetScaleChart {

    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728)};

    private FleetScaleChart() {
    }

    static void write(Path png, List<FleetScaleBench.Row> rows, double rate) throws IOException {
        XYSeriesCollection requests = new XYSeriesCollection();
        XYSeriesCollection overFloor = new XYSeriesCollection();
        for (String policy : FleetScaleBench.POLICIES) {
            List<FleetScaleBench.Row> mine = rows.stream()
                    .filter(r -> r.policy().equals(policy) && r.rate() == rate && r.result().allAssigned()).toList();
            if (mine.isEmpty()) {
                continue;
            }
            XYSeries perGateway = new XYSeries(mine.get(0).label());
            XYSeries ratio = new XYSeries(mine.get(0).label());
            for (FleetScaleBench.Row row : mine) {
                perGateway.add(row.gateways(), row.requestsPerGateway());
                ratio.add(row.gateways(), row.makespanSeconds() / row.floorSeconds());
            }
            requests.addSeries(perGateway);
            overFloor.addSeries(ratio);
        }
        LogAxis gateways = new LogAxis("gateways rebooting together (log scale)");
        gateways.setBase(10);
        gateways.setSmallestValue(1000);
        LogAxis perGatewayAxis = new LogAxis("register requests per gateway (log scale)");
        perGatewayAxis.setBase(10);
        NumberAxis ratioAxis = new NumberAxis("time until all assigned / floor N / R");
        ratioAxis.setAutoRangeIncludesZero(false);
        XYPlot top = new XYPlot(requests, null, perGatewayAxis, renderer(requests.getSeriesCount(), true));
        XYPlot bottom = new XYPlot(overFloor, null, ratioAxis, renderer(overFloor.getSeriesCount(), false));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(gateways);
        plot.add(top, 1);
        plot.add(bottom, 1);
        for (XYPlot part : List.of(top, bottom)) {
            part.setBackgroundPaint(Color.WHITE);
            part.setDomainGridlinePaint(Color.LIGHT_GRAY);
            part.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        JFreeChart chart = new JFreeChart(String.format(Locale.ROOT,
                "Fleet at scale (simulated time): DPS throttled to %.0f registrations/s", rate),
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 720);
    }

    private static XYLineAndShapeRenderer renderer(int series, boolean inLegend) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setDefaultSeriesVisibleInLegend(inLegend);
        for (int i = 0; i < series; i++) {
            renderer.setSeriesPaint(i, COLOURS[i % COLOURS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        return renderer;
    }
}
