package dev.vkubelet.core.kubeletapi;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A route's answer: a status and a plain-text, JSON or Prometheus text body. */
record Answer(HttpResponseStatus status, String contentType, String body) {

    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    static Answer text(HttpResponseStatus status, String body) {
        return new Answer(status, "text/plain; charset=utf-8", body + "\n");
    }

    static Answer json(String body) {
        return new Answer(HttpResponseStatus.OK, "application/json", body);
    }

    static Answer prometheus(String body) {
        return new Answer(HttpResponseStatus.OK, PROMETHEUS, body);
    }
}
