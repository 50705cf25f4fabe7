package io.emqxclientmonitor.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads values out of a text-format exposition, for assertions by name and labels. */
public final class Exposition {
    private final List<String> lines;

    public Exposition(String text) {
        this.lines = text.lines().toList();
    }

    /** The value of the sample whose name and label text match exactly, e.g. {@code value("x_total", "alias=\"a\",…")}. */
    public Optional<Double> value(String name, String labels) {
        String prefix = labels == null || labels.isEmpty() ? name + " " : name + "{" + labels + "} ";
        return lines.stream().filter(l -> l.startsWith(prefix))
                .map(l -> Double.parseDouble(l.substring(prefix.length()).trim())).findFirst();
    }

    public double valueOf(String name, String labels) {
        return value(name, labels).orElseThrow(() -> new AssertionError("no sample " + name + "{" + labels + "} in:\n" + String.join("\n", lines)));
    }

    public List<String> samples(String name) {
        List<String> samples = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                samples.add(line);
            }
        }
        return samples;
    }

    public List<String> lines() {
        return lines;
    }
}
