package io.sockmapd.codec;

import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Server side of Postfix's SMTPD policy delegation protocol ({@code check_policy_service}): turns
 * each attribute list ({@code name=value} lines ended by an empty line) into a {@link
 * PolicyRequest}. Postfix reuses the connection for many requests, one at a time.
 *
 * <p>The framing rules, limits and duplicate handling are those of {@link AttributeListDecoder}:
 * split at the first {@code =}, first value wins, limits on line length, attribute count and
 * request length checked before the bytes are kept. A malformed or over-long request throws one
 * {@link PolicyFormatException}, {@link PolicyTooLargeException} or {@link LineTooLongException},
 * after which all input is discarded: the server should log it and close the connection (Postfix
 * then retries on a new connection and finally applies {@code
 * smtpd_policy_service_default_action}). Real Postfix clients never send such requests.
 *
 * <p>Not sharable: each channel needs its own instance.
 */
public final class PolicyRequestDecoder extends AttributeListDecoder {

  /**
   * Default limit of one attribute line, in bytes including the newline: four times Postfix's
   * default {@code line_length_limit} (2048), the bound Postfix's attribute reader once applied to
   * each string. Addresses and HELO names come from SMTP command lines, which Postfix limits to
   * 2048 bytes; xtext-encoded certificate names are the longest other values.
   */
  public static final int DEFAULT_MAX_LINE_LENGTH = 8192;

  /**
   * Default limit on the attribute lines of one request: Postfix's own limit on attribute lists it
   * reads into a table ({@code ATTR_HASH_LIMIT}). Postfix 3.12 sends 32.
   */
  public static final int DEFAULT_MAX_ATTRIBUTES = 1024;

  /**
   * Default limit of a whole request, in bytes including every newline. A real request is about 1
   * KB; this leaves room for several values at the line limit.
   */
  public static final int DEFAULT_MAX_REQUEST_LENGTH = 65_536;

  /** Creates a decoder with the default limits. */
  public PolicyRequestDecoder() {
    this(DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_REQUEST_LENGTH);
  }

  /**
   * Creates a decoder.
   *
   * @param maxLineLength the longest attribute line, in bytes including the newline
   * @param maxAttributes the most attribute lines in one request, duplicates included
   * @param maxRequestLength the longest request, in bytes including every newline
   * @throws IllegalArgumentException if a limit is too small
   */
  public PolicyRequestDecoder(
      final int maxLineLength, final int maxAttributes, final int maxRequestLength) {
    this(maxLineLength, maxAttributes, maxRequestLength, FrameBudget.UNLIMITED);
  }

  /**
   * Creates a decoder whose unfinished requests take their memory from {@code budget}.
   *
   * @param maxLineLength the longest attribute line, in bytes including the newline
   * @param maxAttributes the most attribute lines in one request, duplicates included
   * @param maxRequestLength the longest request, in bytes including every newline
   * @param budget asked for the bytes of attributes and unfinished lines before they are kept
   * @throws IllegalArgumentException if a limit is too small
   */
  public PolicyRequestDecoder(
      final int maxLineLength,
      final int maxAttributes,
      final int maxRequestLength,
      final FrameBudget budget) {
    super(maxLineLength, maxAttributes, maxRequestLength, budget);
  }

  @Override
  void decodeList(
      final ChannelHandlerContext ctx,
      final Map<String, String> attributes,
      final Set<String> invalidUtf8,
      final List<Object> out) {
    out.add(PolicyRequest.decoded(attributes, invalidUtf8));
  }

  @Override
  String listName() {
    return "request";
  }
}
