package dev.vkubelet.tracing;

/** The outcome of a span, after the canonical codes exporters understand. */
public enum SpanStatus {
    OK,
    CANCELLED,
    INVALID_ARGUMENT,
    DEADLINE_EXCEEDED,
    NOT_FOUND,
    ALREADY_EXISTS,
    UNIMPLEMENTED,
    UNAVAILABLE,
    INTERNAL,
    UNKNOWN
}
