package io.sockmapd.codec;

/** A socketmap reply (placeholder until the codec branch lands). */
public record SocketmapResponse(SocketmapStatus status, String text) {
  public static SocketmapResponse ok(String value) {
    return new SocketmapResponse(SocketmapStatus.OK, value);
  }

  public static SocketmapResponse notFound() {
    return new SocketmapResponse(SocketmapStatus.NOTFOUND, "");
  }

  public static SocketmapResponse temp(String reason) {
    return new SocketmapResponse(SocketmapStatus.TEMP, reason);
  }

  public static SocketmapResponse timeout(String reason) {
    return new SocketmapResponse(SocketmapStatus.TIMEOUT, reason);
  }

  public static SocketmapResponse perm(String reason) {
    return new SocketmapResponse(SocketmapStatus.PERM, reason);
  }
}
