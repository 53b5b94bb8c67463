package io.sockmapd.codec;

/** Socketmap reply status words (placeholder until the codec branch lands). */
public enum SocketmapStatus {
  OK,
  NOTFOUND,
  TEMP,
  TIMEOUT,
  PERM
}
