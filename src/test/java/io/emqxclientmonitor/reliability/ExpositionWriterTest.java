package io.emqxclientmonitor.reliability;

import io.emqxclientmonitor.metrics.ExpositionWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fast exposition writer ({@link ExpositionWriter}, used by /metrics) writes exactly the bytes client_java's
 * own writers write, in both formats, for generated families: counters, gauges, histograms and info metrics with
 * awkward label values (quotes, backslashes, newlines, non-ASCII) and awkward values (huge, tiny, negative,
 * -0.0, NaN, infinities), and families it leaves to the fallback (summaries, gauge histograms, units, exemplars).
 */
class ExpositionWriterTest {
    private static final String[] VALUES = {"plain", "quote\"d", "back\\slash", "new\nline", "ünï 中文 😀", "", "tab\tx",
            "a,b=c}", "\\\"\n"};
    private static final double[] NUMBERS = {0, 1, -1, 42, 9_999_999, 10_000_000, 1e7 + 1, 123456789012L, 1e300, 0.5,
            -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3.14159, 1e-9, Long.MAX_VALUE, -12_345_678};

    @Test
    void writesWhatClientJavaWrites() throws IOException {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            MetricSnapshots snapshots = snapshots(random);
            for (boolean openMetrics : new boolean[]{false, true}) {
                String expected = clientJava(snapshots, openMetrics);
                String actual = new String(ExpositionWriter.write(snapshots, openMetrics,
                        (family, out) -> writeClientJava(MetricSnapshots.of(family), openMetrics, out)), StandardCharsets.UTF_8);
                assertEquals(expected, actual, "seed " + seed + (openMetrics ? " OpenMetrics" : " text"));
            }
        }
    }

    @Test
    void largeExpositionsComeOutWholeAcrossChunks() throws IOException {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name("big").help("many series");
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name("bigger").help("more series");
        for (int i = 0; i < 40_000; i++) {
            Labels labels = Labels.of("alias", "client-" + i + "-" + "x".repeat(i % 300), "client_id", "ünï\"" + i);
            gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(i * 1.5).build());
            counter.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(i).build());
        }
        MetricSnapshots snapshots = MetricSnapshots.of(gauge.build(), counter.build());
        for (boolean openMetrics : new boolean[]{false, true}) {
            ExpositionWriter.Chunks chunks = ExpositionWriter.writeChunks(snapshots, openMetrics, (f, o) -> { });
            String expected = clientJava(snapshots, openMetrics);
            assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, chunks.size());
            assertEquals(expected, new String(chunks.toByteArray(), StandardCharsets.UTF_8));
        }
    }

    private static MetricSnapshots snapshots(Random random) {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        Set<String> names = new HashSet<>();
        int families = 1 + random.nextInt(8);
        for (int f = 0; f < families; f++) {
            boolean unit = random.nextInt(10) == 0;
            String name = "family_" + random.nextInt(1000) + (unit ? "_bytes" : "");
            if (!names.add(name)) {
                continue;
            }
            String help = random.nextInt(4) == 0 ? null : "Help with \\ and \" and\nnewline " + VALUES[random.nextInt(VALUES.length)];
            MetricMetadata metadata = unit ? new MetricMetadata(name, help, Unit.BYTES) : new MetricMetadata(name, help);
            all.metricSnapshot(family(random, metadata));
        }
        return all.build();
    }

    private static MetricSnapshot family(Random random, MetricMetadata metadata) {
        List<Labels> labels = labelSets(random);
        switch (random.nextInt(6)) {
            case 0 -> {
                CounterSnapshot.Builder counter = CounterSnapshot.builder().name(metadata.getName()).help(metadata.getHelp()).unit(metadata.getUnit());
                for (Labels l : labels) {
                    CounterSnapshot.CounterDataPointSnapshot.Builder point = CounterSnapshot.CounterDataPointSnapshot.builder()
                            .labels(l).value(Math.abs(number(random)));
                    if (random.nextInt(15) == 0) {
                        point.exemplar(Exemplar.builder().value(1.5).labels(Labels.of("trace_id", "abc")).build());
                    }
                    counter.dataPoint(point.build());
                }
                return counter.build();
            }
            case 1, 2 -> {
                GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(metadata.getName()).help(metadata.getHelp()).unit(metadata.getUnit());
                for (Labels l : labels) {
                    gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(number(random)).build());
                }
                return gauge.build();
            }
            case 3 -> {
                HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name(metadata.getName()).help(metadata.getHelp())
                        .unit(metadata.getUnit()).gaugeHistogram(random.nextInt(8) == 0);
                for (Labels l : labels) {
                    double[] bounds = {0.5, 1, 60, 3600, 1e7, Double.POSITIVE_INFINITY};
                    long[] counts = new long[bounds.length];
                    for (int i = 0; i < counts.length; i++) {
                        counts[i] = random.nextInt(1000);
                    }
                    histogram.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(l)
                            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                            .sum(Math.abs(number(random))).build());
                }
                return histogram.build();
            }
            case 4 -> {
                InfoSnapshot.Builder info = InfoSnapshot.builder().name(metadata.getName()).help(metadata.getHelp());
                for (Labels l : labels) {
                    info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(l).build());
                }
                return info.build();
            }
            default -> {
                SummarySnapshot.Builder summary = SummarySnapshot.builder().name(metadata.getName()).help(metadata.getHelp());
                for (Labels l : labels) {
                    summary.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder().labels(l).count(3).sum(4.5)
                            .quantiles(Quantiles.EMPTY).build());
                }
                return summary.build();
            }
        }
    }

    private static List<Labels> labelSets(Random random) {
        List<Labels> sets = new ArrayList<>();
        Set<Labels> seen = new HashSet<>();
        int points = random.nextInt(12);
        boolean withLabels = random.nextInt(6) != 0;
        for (int i = 0; i < points; i++) {
            Labels labels = withLabels
                    ? Labels.of("alias", VALUES[random.nextInt(VALUES.length)] + i, "broker", "emqx",
                    "client_id", VALUES[random.nextInt(VALUES.length)], "direction", random.nextBoolean() ? "rx" : "tx")
                    : Labels.EMPTY;
            if (seen.add(labels)) {
                sets.add(labels);
            }
            if (!withLabels) {
                break;
            }
        }
        if (sets.isEmpty()) {
            sets.add(Labels.of("only", "one"));
        }
        return sets;
    }

    private static double number(Random random) {
        return random.nextInt(3) == 0 ? random.nextInt(100_000) : NUMBERS[random.nextInt(NUMBERS.length)];
    }

    private static String clientJava(MetricSnapshots snapshots, boolean openMetrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeClientJava(snapshots, openMetrics, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void writeClientJava(MetricSnapshots snapshots, boolean openMetrics, java.io.OutputStream out) throws IOException {
        if (openMetrics) {
            OpenMetricsTextFormatWriter.builder().build().write(out, snapshots);
        } else {
            PrometheusTextFormatWriter.builder().build().write(out, snapshots);
        }
    }
}
