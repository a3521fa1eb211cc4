package io.kuradps.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The fleet chart: gateways assigned over time, one line per policy, and the throttle's floor. */
final class FleetChart {

    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728)};

    private FleetChart() {
    }

    static void write(Path png, List<FleetBench.PolicyResult> results, int gateways, double rate, double endSeconds)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (FleetBench.PolicyResult result : results) {
            XYSeries series = new XYSeries(result.label() + " (" + result.assigned() + "/" + gateways + ")");
            series.add(0, 0);
            int count = 0;
            for (double second : result.assignmentSeconds()) {
                series.add(second, ++count);
            }
            series.add(endSeconds, count);
            data.addSeries(series);
        }
        XYSeries floor = new XYSeries(String.format("floor: %.0f registrations/s", rate));
        // Many small steps, so that the step renderer draws the floor's slope as a line.
        for (double t = 0; t <= endSeconds; t += 0.05) {
            floor.add(t, Math.min(gateways, rate * t));
        }
        data.addSeries(floor);

        JFreeChart chart = ChartFactory.createXYLineChart(
                String.format("Fleet reboot: %d gateways, DPS throttled to %.0f registrations/s", gateways, rate),
                "seconds since the first gateway could start", "gateways assigned", data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYStepRenderer renderer = new XYStepRenderer();
        for (int i = 0; i < results.size(); i++) {
            renderer.setSeriesPaint(i, COLOURS[i % COLOURS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        renderer.setSeriesPaint(results.size(), Color.GRAY);
        renderer.setSeriesStroke(results.size(), new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {6f, 4f}, 0f));
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getDomainAxis().setRange(0, endSeconds);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 560);
    }
}
