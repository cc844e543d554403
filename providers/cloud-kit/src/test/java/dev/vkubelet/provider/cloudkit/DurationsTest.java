package dev.vkubelet.provider.cloudkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesGoStyleDurations() {
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofMinutes(1), Durations.parse("1m"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofHours(2).plusMinutes(5), Durations.parse("2h5m"));
        assertEquals(Duration.ofSeconds(-3), Durations.parse("-3s"));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String bad : new String[] {"", "10", "1x", "m", "1m 30s", "abc", "1s2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad));
            assertEquals("'" + bad + "' is not a duration (examples: 30s, 1m, 1h30m, 500ms)", e.getMessage());
        }
    }

    @Test
    void formatsLikeGo() {
        assertEquals("1m0s", Durations.format(Duration.ofMinutes(1)));
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("1h0m5s", Durations.format(Duration.ofSeconds(3605)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }
}
