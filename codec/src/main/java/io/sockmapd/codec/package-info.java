/**
 * Netty codecs for netstrings and the socketmap protocol of Postfix ({@code socketmap:}) and
 * Sendmail ({@code K socket}).
 *
 * <p>Server pipeline: {@link io.sockmapd.codec.NetstringFrameDecoder}, {@link
 * io.sockmapd.codec.SocketmapRequestDecoder}, {@link io.sockmapd.codec.SocketmapResponseEncoder},
 * then the lookup handler, which receives {@link io.sockmapd.codec.SocketmapRequest}s and writes
 * {@link io.sockmapd.codec.SocketmapResponse}s.
 *
 * <p>Client pipeline: {@link io.sockmapd.codec.NetstringFrameDecoder}, {@link
 * io.sockmapd.codec.SocketmapResponseDecoder}, {@link io.sockmapd.codec.SocketmapRequestEncoder}.
 */
package io.sockmapd.codec;
