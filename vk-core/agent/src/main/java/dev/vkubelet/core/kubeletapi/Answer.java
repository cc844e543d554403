package dev.vkubelet.core.kubeletapi;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

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

    /** No body (a client waiting for 100-continue must not be sent one). */
    static Answer empty(HttpResponseStatus status) {
        return new Answer(status, "text/plain; charset=utf-8", "");
    }

    /** Writes the answer; closes the connection after it unless {@code keepAlive}. */
    void send(ChannelHandlerContext ctx, boolean keepAlive) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
