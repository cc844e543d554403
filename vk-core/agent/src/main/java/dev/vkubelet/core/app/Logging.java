package dev.vkubelet.core.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Applies {@code --log-level} to the root logger. */
public final class Logging {

    private Logging() {}

    /** Sets the root level; {@code fatal} and {@code panic} (upstream's) mean error. */
    public static void setLevel(String level) {
        String name = level.toLowerCase(Locale.ROOT);
        Level target = switch (name) {
            case "fatal", "panic" -> Level.ERROR;
            default -> Level.toLevel(name, Level.INFO);
        };
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(target);
        }
    }
}
