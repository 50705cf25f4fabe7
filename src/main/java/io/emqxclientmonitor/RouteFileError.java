package io.emqxclientmonitor;

import org.apache.camel.FailedToCreateRouteException;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

import java.util.Optional;

/** A route file that does not load at start, as one line: the file, line and column, and what is wrong there. */
public final class RouteFileError {
    private RouteFileError() {
    }

    public static Optional<String> describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException yaml && yaml.getProblemMark().isPresent()) {
                var mark = yaml.getProblemMark().get();
                String file = mark.getName().startsWith("file:") ? mark.getName().substring("file:".length()) : mark.getName();
                return Optional.of(file + " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": "
                        + (yaml.getProblem() == null ? "not valid YAML" : yaml.getProblem())
                        + "; fix the file and start again");
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException route) {
                return Optional.of("route " + route.getRouteId() + " cannot be created (" + rootLine(route)
                        + "); fix its file and start again");
            }
        }
        return Optional.empty();
    }

    private static String rootLine(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message).trim();
    }
}
