package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmtInt;

import io.jobcast.bench.Fanout;
import io.jobcast.bench.results.FanoutResult;
import io.jobcast.bench.results.RunResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The fan-out chart of run 1: each system's p99 at each step against its deliveries/s, with the passing step's limit. */
final class FanoutChart {

    private FanoutChart() {
    }

    static JFreeChart of(RunResult first, List<String> sizes) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String k : sizes) {
            for (String system : FanoutSection.SYSTEMS) {
                FanoutResult r = FanoutSection.result(first, k, system);
                if (r == null) {
                    continue;
                }
                XYSeries series = new XYSeries((system.equals("jobcast") ? "Jobcast" : system.equals("socketio") ? "Socket.IO"
                        : "bare Vert.x") + ", " + fmtInt(k) + " subscribers");
                for (FanoutResult.Step step : r.steps()) {
                    // A step where nothing arrived has no p99 to put on a log axis.
                    if (step.p99ms() > 0) {
                        series.add(step.deliveriesPerSec(), step.p99ms());
                    }
                }
                data.addSeries(series);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Fan-out, run 1: p99 delivery latency at each step",
                "deliveries per second", "p99 latency, ms (log)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRangeAxis(Charts.logAxis("p99 latency, ms (log)"));
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        ValueMarker limit = new ValueMarker(Fanout.P99_LIMIT_MS, Color.GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        limit.setLabel("p99 limit of a passing step");
        limit.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        limit.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(limit);
        return chart;
    }
}
