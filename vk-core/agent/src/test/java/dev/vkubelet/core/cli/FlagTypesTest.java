package dev.vkubelet.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.beust.jcommander.ParameterException;
import dev.vkubelet.core.cli.FlagTypes.GoDuration;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlagTypesTest {

    @Test
    void goDurationsParseAsUpstreamWritesThemAndPrintAsWritten() {
        assertEquals(Duration.ZERO, GoDuration.parse("0").value());
        assertEquals(Duration.ofMinutes(1), GoDuration.parse("1m").value());
        assertEquals(Duration.ofSeconds(90), GoDuration.parse("1m30s").value());
        assertEquals(Duration.ofMillis(1500), GoDuration.parse("1.5s").value());
        assertEquals(Duration.ofMillis(500), GoDuration.parse("500ms").value());
        assertEquals(Duration.ofNanos(2500), GoDuration.parse("2us500ns").value());
        assertEquals(Duration.ofHours(2).plusMinutes(5), GoDuration.parse("2h5m").value());
        assertEquals("1h30m", GoDuration.parse("1h30m").toString());
    }

    @Test
    void whatIsNotADurationIsRefusedWithTheFlagsName() {
        FlagTypes.GoDurationConverter converter = new FlagTypes.GoDurationConverter("--x");
        for (String bad : new String[] {"", "10", "1x", "m", "1m 30s", "abc", "1s2", "1..5s"}) {
            ParameterException e = assertThrows(ParameterException.class, () -> converter.convert(bad));
            assertEquals("--x: '" + bad + "' is not a duration (examples: 30s, 1m, 1h30m, 500ms)", e.getMessage());
        }
        assertEquals("--x must not be negative, got -3s",
                assertThrows(ParameterException.class, () -> converter.convert("-3s")).getMessage());
    }

    @Test
    void numbersAreWholeOrFinite() {
        assertEquals(7, new FlagTypes.WholeNumberConverter("--n").convert(" 7"));
        assertEquals("--n '7.5' is not a whole number", assertThrows(ParameterException.class,
                () -> new FlagTypes.WholeNumberConverter("--n").convert("7.5")).getMessage());
        assertEquals(2.5, new FlagTypes.NumberConverter("--q").convert("2.5"));
        assertEquals("--q 'NaN' is not a number", assertThrows(ParameterException.class,
                () -> new FlagTypes.NumberConverter("--q").convert("NaN")).getMessage());
    }
}
