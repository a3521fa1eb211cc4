package io.kuradps.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
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

    /** What issue 15 asks for: register requests per gateway at 2,000, 20,000 and 100,000 gateways. */
    private static final List<double[]> GOAL_REQUESTS = List.of(new double[] {2_000, 5}, new double[] {20_000, 15},
            new double[] {100_000, 25});
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[] {6f, 4f}, 0f);

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
        XYSeries goal = new XYSeries("issue 15's goal (requests; 1.25 x floor)");
        GOAL_REQUESTS.forEach(point -> goal.add(point[0], point[1]));
        requests.addSeries(goal);
        LogAxis gateways = decades("gateways rebooting together (log scale)");
        LogAxis perGatewayAxis = decades("register requests per gateway (log scale)");
        NumberAxis ratioAxis = new NumberAxis("time until all assigned / floor N / R");
        ratioAxis.setAutoRangeIncludesZero(false);
        XYPlot top = new XYPlot(requests, null, perGatewayAxis, renderer(requests.getSeriesCount(), true));
        XYPlot bottom = new XYPlot(overFloor, null, ratioAxis, renderer(overFloor.getSeriesCount(), false));
        XYLineAndShapeRenderer goalRenderer = (XYLineAndShapeRenderer) top.getRenderer();
        goalRenderer.setSeriesPaint(requests.getSeriesCount() - 1, Color.GRAY);
        goalRenderer.setSeriesStroke(requests.getSeriesCount() - 1, DASHED);
        ValueMarker makespanGoal = new ValueMarker(1.25, Color.GRAY, DASHED);
        bottom.addRangeMarker(makespanGoal);
        double highest = rows.stream().filter(r -> r.rate() == rate && r.result().allAssigned())
                .mapToDouble(r -> r.makespanSeconds() / r.floorSeconds()).max().orElse(1);
        ratioAxis.setRange(0.95, Math.max(1.35, highest + 0.05));
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

    private static LogAxis decades(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setMinorTickCount(9);
        axis.setNumberFormatOverride(new DecimalFormat("#,##0"));
        return axis;
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
