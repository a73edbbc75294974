package io.jobcast.bench.report;

import io.jobcast.bench.Histo;
import io.jobcast.bench.results.LatencyHistogram;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's PNG charts, beside its markdown and named after it: one style, latency on log axes. */
final class Charts {

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22)};

    private final Path dir;
    private final String name;

    Charts(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** Styles and writes a chart as NAME-SUFFIX.png; returns the markdown that shows it. */
    String save(JFreeChart chart, String suffix, String alt) throws IOException {
        style(chart);
        ChartUtils.saveChartAsPNG(dir.resolve(name + "-" + suffix + ".png").toFile(), chart, 1000, 560);
        return link(suffix, alt);
    }

    /** The markdown that shows chart NAME-SUFFIX.png. */
    String link(String suffix, String alt) {
        return "![" + alt + "](" + name + "-" + suffix + ".png)\n\n";
    }

    /** A histogram's cumulative distribution in %, by latency in ms (from 0 excluded: the log axis). */
    static XYSeries cdfSeries(String label, LatencyHistogram histogram) {
        XYSeries series = new XYSeries(label);
        if (histogram != null) {
            for (double[] point : Histo.of(histogram).cdf()) {
                if (point[0] > 0) {
                    series.add(point[0], point[1] * 100);
                }
            }
        }
        return series;
    }

    static JFreeChart cdfChart(String title, XYSeriesCollection data, String yLabel) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, "latency, ms (log)", yLabel,
                data, PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().setDomainAxis(logAxis("latency, ms (log)"));
        ((NumberAxis) chart.getXYPlot().getRangeAxis()).setRange(0, 100);
        return chart;
    }

    /** A log axis labelled 0.1, 1, 10, 100 … rather than in powers. */
    static LogarithmicAxis logAxis(String label) {
        LogarithmicAxis axis = new LogarithmicAxis(label);
        axis.setAllowNegativesFlag(false);
        axis.setStrictValuesFlag(false);
        axis.setExpTickLabelsFlag(false);
        axis.setLog10TickLabelsFlag(false);
        return axis;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        for (int i = 0; i < plot.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        }
    }
}
