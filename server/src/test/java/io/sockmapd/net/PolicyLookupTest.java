package io.sockmapd.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sockmapd.codec.FrameBudget;
import io.sockmapd.codec.PolicyAction;
import io.sockmapd.codec.PolicyRequest;
import io.sockmapd.config.Limits;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.lookup.PolicyDecision;
import io.sockmapd.lookup.PolicyDecision.Outcome;
import io.sockmapd.lookup.PolicyLookup;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A policy connection's pipeline (the policy codecs and the shared lookup handler) on an embedded
 * channel: replies in request order on one reused connection, what a broken policy is answered, and
 * that a malformed request closes the connection without a reply.
 */
class PolicyLookupTest {
  /** Decisions by the request's recipient, completed by the test. */
  private final Map<String, CompletableFuture<PolicyDecision>> decisions =
      new ConcurrentHashMap<>();

  private final PolicyLookup policy =
      request ->
          decisions.computeIfAbsent(request.attribute("recipient"), k -> new CompletableFuture<>());
  private final BufferBudget budget = new BufferBudget(1_000_000);
  private final ClientShares shares = new ClientShares(new ClientShares.FixedShare(8));

  private EmbeddedChannel channel(Map<String, PolicyLookup> policies) {
    EmbeddedChannel channel = new EmbeddedChannel();
    LookupProtocol protocol = LookupProtocol.policy("p");
    protocol.addCodecs(channel.pipeline(), Limits.defaults(), FrameBudget.UNLIMITED);
    channel
        .pipeline()
        .addLast(
            new LookupHandler(
                protocol,
                new RequestDispatcher(new MapRegistry(Map.of(), policies)),
                new ProtocolViolations(),
                8,
                null,
                shares.join(channel),
                budget.open(channel),
                new OversizedReplies(100_000)));
    return channel;
  }

  private static ByteBuf request(String recipient) {
    return Unpooled.copiedBuffer(
        "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.1\n"
            + "sender=a@example.com\nrecipient="
            + recipient
            + "\n\n",
        UTF_8);
  }

  private static String replies(EmbeddedChannel channel) {
    channel.runPendingTasks();
    StringBuilder replies = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      replies.append(out.toString(UTF_8));
      out.release();
    }
    return replies.toString();
  }

  private static PolicyDecision matched(String action) {
    return new PolicyDecision(PolicyAction.parse(action), Outcome.MATCHED);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnTheSameConnection() {
    EmbeddedChannel channel = channel(Map.of("p", policy));
    channel.writeInbound(request("first@x"), request("second@x"), request("third@x"));
    decisions.get("third@x").complete(matched("REJECT third"));
    decisions.get("second@x").complete(matched("450 4.7.1 second"));
    // The later answers wait for the first.
    assertThat(replies(channel)).isEmpty();
    decisions.get("first@x").complete(new PolicyDecision(PolicyAction.dunno(), Outcome.NO_MATCH));
    assertThat(replies(channel))
        .isEqualTo("action=DUNNO\n\naction=450 4.7.1 second\n\naction=REJECT third\n\n");
    assertThat(channel.isOpen()).isTrue();
    channel.writeInbound(request("fourth@x"));
    decisions.get("fourth@x").complete(matched("OK"));
    assertThat(replies(channel)).isEqualTo("action=OK\n\n");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aPolicyThatFailsIsADeferralNeverAPermit() {
    EmbeddedChannel channel = channel(Map.of("p", policy));
    channel.writeInbound(request("x@x"));
    decisions.get("x@x").completeExceptionally(new IllegalStateException("bug"));
    assertThat(replies(channel))
        .isEqualTo("action=DEFER_IF_PERMIT Service temporarily unavailable\n\n");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aPolicyNoLongerConfiguredIsADeferral() {
    EmbeddedChannel channel = channel(Map.of());
    channel.writeInbound(request("x@x"));
    assertThat(replies(channel))
        .isEqualTo("action=DEFER_IF_PERMIT Service temporarily unavailable\n\n");
  }

  @Test
  void aMalformedRequestClosesTheConnectionAfterEarlierReplies() {
    EmbeddedChannel channel = channel(Map.of("p", policy));
    channel.writeInbound(request("ok@x"));
    channel.writeInbound(Unpooled.copiedBuffer("no equals sign\n\n", UTF_8));
    assertThat(channel.isOpen()).isTrue(); // the earlier request is still being decided
    decisions.get("ok@x").complete(matched("REJECT no"));
    assertThat(replies(channel)).isEqualTo("action=REJECT no\n\n");
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    assertThat(decisions).containsOnlyKeys("ok@x");
  }

  @Test
  void tooManyAttributesCloseTheConnectionWithoutAReply() {
    EmbeddedChannel channel = channel(Map.of("p", policy));
    StringBuilder huge = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      huge.append("a").append(i).append("=v\n");
    }
    channel.writeInbound(Unpooled.copiedBuffer(huge.toString(), UTF_8));
    channel.runPendingTasks();
    assertThat(replies(channel)).isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(decisions).isEmpty();
  }

  @Test
  void requestsAreDecodedWithEveryAttribute() {
    EmbeddedChannel channel =
        channel(
            Map.of(
                "p",
                request -> {
                  assertThat(request)
                      .isEqualTo(
                          PolicyRequest.of(
                              new java.util.LinkedHashMap<>(
                                  Map.of(
                                      "request", "smtpd_access_policy",
                                      "protocol_state", "RCPT",
                                      "client_address", "192.0.2.1",
                                      "sender", "a@example.com",
                                      "recipient", "r@x"))));
                  return CompletableFuture.completedFuture(matched("OK"));
                }));
    channel.writeInbound(request("r@x"));
    assertThat(replies(channel)).isEqualTo("action=OK\n\n");
  }
}
