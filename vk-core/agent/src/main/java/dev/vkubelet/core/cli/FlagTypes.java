package dev.vkubelet.core.cli;

import com.beust.jcommander.ParameterException;
import com.beust.jcommander.converters.BaseConverter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The typed values of the command line's flags and their JCommander converters: a bad value is a
 * {@link ParameterException} whose one-line message names the flag, before any value is used.
 * Public because JCommander instantiates the converters, and launcher subcommands use them too.
 */
public final class FlagTypes {

    private FlagTypes() {}

    /**
     * A non-negative duration written as Go and upstream's flags write it ({@code 30s}, {@code 1m},
     * {@code 1h30m}, {@code 500ms}, {@code 1.5s}, {@code 0}), printed as it was written.
     */
    public record GoDuration(Duration value, String text) {

        private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of("ns", BigDecimal.ONE, "us",
                BigDecimal.valueOf(1_000L), "µs", BigDecimal.valueOf(1_000L), "ms", BigDecimal.valueOf(1_000_000L),
                "s", BigDecimal.valueOf(1_000_000_000L), "m", BigDecimal.valueOf(60_000_000_000L),
                "h", BigDecimal.valueOf(3_600_000_000_000L));

        public GoDuration {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(text, "text");
        }

        /** Parses {@code text}; throws {@link IllegalArgumentException} saying what a duration looks like. */
        public static GoDuration parse(String text) {
            String s = text.strip();
            if (s.equals("0")) {
                return new GoDuration(Duration.ZERO, text);
            }
            if (s.startsWith("-")) {
                throw new IllegalArgumentException("must not be negative, got " + text);
            }
            BigDecimal nanos = BigDecimal.ZERO;
            int i = 0;
            while (i < s.length()) {
                int number = i;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                int unit = i;
                while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                    i++;
                }
                BigDecimal perUnit = NANOS_PER_UNIT.get(s.substring(unit, i));
                if (number == unit || perUnit == null) {
                    throw notADuration(text);
                }
                try {
                    nanos = nanos.add(new BigDecimal(s.substring(number, unit)).multiply(perUnit));
                } catch (NumberFormatException e) {
                    throw notADuration(text);
                }
            }
            if (s.isEmpty()) {
                throw notADuration(text);
            }
            return new GoDuration(Duration.ofNanos(nanos.longValue()), text);
        }

        private static IllegalArgumentException notADuration(String text) {
            return new IllegalArgumentException("'" + text + "' is not a duration (examples: 30s, 1m, 1h30m, 500ms)");
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** {@code --flag VALUE} as a {@link GoDuration}. */
    public static final class GoDurationConverter extends BaseConverter<GoDuration> {
        public GoDurationConverter(String optionName) {
            super(optionName);
        }

        @Override
        public GoDuration convert(String value) {
            if (value.strip().startsWith("-")) {
                throw new ParameterException(getOptionName() + " must not be negative, got " + value);
            }
            try {
                return GoDuration.parse(value);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(getOptionName() + ": " + e.getMessage());
            }
        }
    }

    /** {@code --flag N} as a whole number. */
    public static final class WholeNumberConverter extends BaseConverter<Integer> {
        public WholeNumberConverter(String optionName) {
            super(optionName);
        }

        @Override
        public Integer convert(String value) {
            try {
                return Integer.valueOf(value.strip());
            } catch (NumberFormatException e) {
                throw new ParameterException(getOptionName() + " '" + value + "' is not a whole number");
            }
        }
    }

    /** {@code --flag X} as a finite number. */
    public static final class NumberConverter extends BaseConverter<Double> {
        public NumberConverter(String optionName) {
            super(optionName);
        }

        @Override
        public Double convert(String value) {
            try {
                double d = Double.parseDouble(value.strip());
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new ParameterException(getOptionName() + " '" + value + "' is not a number");
            }
        }
    }
}
