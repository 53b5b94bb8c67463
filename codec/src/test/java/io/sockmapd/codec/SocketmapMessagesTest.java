package io.sockmapd.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import org.junit.jupiter.api.Test;

/** The value types: status words, responses and requests. */
class SocketmapMessagesTest {

  @Test
  void statusWordsAreTheWireWords() {
    assertThat(SocketmapStatus.values())
        .extracting(SocketmapStatus::word)
        .containsExactly("OK", "NOTFOUND", "TEMP", "TIMEOUT", "PERM");
  }

  @Test
  void statusLookupIsCaseSensitive() {
    assertThat(SocketmapStatus.forWord("TIMEOUT")).isEqualTo(SocketmapStatus.TIMEOUT);
    assertThat(SocketmapStatus.forWord("ok")).isNull();
    assertThat(SocketmapStatus.forWord("")).isNull();
  }

  @Test
  void responseFactoriesSetStatusAndText() {
    assertThat(SocketmapResponse.ok("v")).isEqualTo(new SocketmapResponse(SocketmapStatus.OK, "v"));
    assertThat(SocketmapResponse.notFound())
        .isEqualTo(new SocketmapResponse(SocketmapStatus.NOTFOUND, ""));
    assertThat(SocketmapResponse.temp("r"))
        .isEqualTo(new SocketmapResponse(SocketmapStatus.TEMP, "r"));
    assertThat(SocketmapResponse.timeout("r"))
        .isEqualTo(new SocketmapResponse(SocketmapStatus.TIMEOUT, "r"));
    assertThat(SocketmapResponse.perm("r"))
        .isEqualTo(new SocketmapResponse(SocketmapStatus.PERM, "r"));
  }

  @Test
  void responseRejectsNulls() {
    assertThatThrownBy(() -> SocketmapResponse.ok(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new SocketmapResponse(null, ""))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void requestOfIsSuccessful() {
    final SocketmapRequest request = SocketmapRequest.of("mymap", "a key");
    assertThat(request.mapName()).isEqualTo("mymap");
    assertThat(request.key()).isEqualTo("a key");
    assertThat(request.isKeyValidUtf8()).isTrue();
    assertThat(request.decoderResult()).isSameAs(DecoderResult.SUCCESS);
    assertThat(request).hasToString("SocketmapRequest[mapName=mymap, key=a key]");
  }

  @Test
  void requestWithInvalidKeyIsFlagged() {
    final SocketmapRequest request = SocketmapRequest.of("mymap", "caf\uFFFD", false);
    assertThat(request.isKeyValidUtf8()).isFalse();
    assertThat(request).isNotEqualTo(SocketmapRequest.of("mymap", "caf\uFFFD"));
    assertThat(request)
        .hasToString("SocketmapRequest[mapName=mymap, key=caf\uFFFD, invalid UTF-8]");
  }

  @Test
  void requestRejectsSpaceInMapName() {
    assertThatThrownBy(() -> SocketmapRequest.of("my map", "k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("map name must not contain a space: \"my map\"");
  }

  @Test
  void requestRejectsNulls() {
    assertThatThrownBy(() -> SocketmapRequest.of(null, "k"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SocketmapRequest.of("m", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SocketmapRequest.malformed(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void malformedRequestHasFailedResultAndEmptyFields() {
    final DecoderException cause = new DecoderException("no space");
    final SocketmapRequest request = SocketmapRequest.malformed(cause);
    assertThat(request.decoderResult().isFailure()).isTrue();
    assertThat(request.decoderResult().cause()).isSameAs(cause);
    assertThat(request.mapName()).isEmpty();
    assertThat(request.key()).isEmpty();
    assertThat(request.isKeyValidUtf8()).isFalse();
    assertThat(request).isNotEqualTo(SocketmapRequest.of("", ""));
    assertThat(request).hasToString("SocketmapRequest[malformed: no space]");
  }

  @Test
  void requestIsImmutable() {
    final SocketmapRequest request = SocketmapRequest.of("m", "k");
    assertThatThrownBy(() -> request.setDecoderResult(DecoderResult.failure(new Exception())))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(request.decoderResult().isSuccess()).isTrue();
  }

  @Test
  void requestEqualityUsesAllFields() {
    assertThat(SocketmapRequest.of("m", "k"))
        .isEqualTo(SocketmapRequest.of("m", "k"))
        .hasSameHashCodeAs(SocketmapRequest.of("m", "k"))
        .isNotEqualTo(SocketmapRequest.of("m", "K"))
        .isNotEqualTo(SocketmapRequest.of("n", "k"));
  }
}
