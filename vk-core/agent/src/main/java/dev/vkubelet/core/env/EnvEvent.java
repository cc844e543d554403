package dev.vkubelet.core.env;

import java.util.Objects;

/**
 * Something resolution reports: an optional reference that was missing (a Normal event), or a
 * mandatory one (a Warning; the pod cannot start until it appears).
 *
 * @param mandatory whether the missing reference blocks the pod
 * @param reason the event reason, e.g. {@code OptionalConfigMapNotFound}
 * @param message what was missing
 */
public record EnvEvent(boolean mandatory, String reason, String message) {

    public EnvEvent {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
