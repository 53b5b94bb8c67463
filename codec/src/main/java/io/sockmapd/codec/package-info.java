/**
 * Netty codecs for the lookup protocols sockmapd serves: the socketmap protocol of Postfix ({@code
 * socketmap:}) and Sendmail ({@code K socket}), Postfix's tcp_table protocol ({@code tcp:}), and
 * Postfix's SMTPD policy delegation protocol ({@code check_policy_service}).
 *
 * <p>Socketmap server pipeline: {@link io.sockmapd.codec.NetstringFrameDecoder}, {@link
 * io.sockmapd.codec.SocketmapRequestDecoder}, {@link io.sockmapd.codec.SocketmapResponseEncoder},
 * then the lookup handler, which receives {@link io.sockmapd.codec.SocketmapRequest}s and writes
 * {@link io.sockmapd.codec.SocketmapResponse}s. Client pipeline: {@link
 * io.sockmapd.codec.NetstringFrameDecoder}, {@link io.sockmapd.codec.SocketmapResponseDecoder},
 * {@link io.sockmapd.codec.SocketmapRequestEncoder}.
 *
 * <p>tcp_table server pipeline: {@link io.sockmapd.codec.TcpTableRequestDecoder} ({@link
 * io.sockmapd.codec.TcpTableRequest}s) and {@link io.sockmapd.codec.TcpTableResponseEncoder}
 * ({@link io.sockmapd.codec.TcpTableResponse}s); client: {@link
 * io.sockmapd.codec.TcpTableResponseDecoder} and {@link io.sockmapd.codec.TcpTableRequestEncoder}.
 *
 * <p>Policy server pipeline: {@link io.sockmapd.codec.PolicyRequestDecoder} ({@link
 * io.sockmapd.codec.PolicyRequest}s) and {@link io.sockmapd.codec.PolicyResponseEncoder} ({@link
 * io.sockmapd.codec.PolicyAction}s); client: {@link io.sockmapd.codec.PolicyResponseDecoder} and
 * {@link io.sockmapd.codec.PolicyRequestEncoder}.
 */
package io.sockmapd.codec;
