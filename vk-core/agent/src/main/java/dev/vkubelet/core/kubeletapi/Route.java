package dev.vkubelet.core.kubeletapi;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/** One endpoint family of the kubelet API, served after authorisation. */
interface Route {

    /**
     * Serves {@code request} ({@code parts}: the path's segments); returns the answer, or null when
     * the response is (being) streamed or the connection was upgraded.
     *
     * @throws Refused for an answer decided before serving (503 no place, 504 deadline)
     * @throws IllegalArgumentException for a bad request (400)
     */
    Answer serve(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, List<String> parts)
            throws Refused;
}
