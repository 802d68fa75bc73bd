package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.MessageDeserializationException;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.testing.Queues;
import dev.pump.core.testing.TestMessages.Orphan;
import dev.pump.core.testing.TestMessages.Ping;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The enclosed-types header comes from the sender: what a receiver examines of it, and what not.
 */
class EnclosedTypesHeaderTest extends EndpointTestSupport {
  private final NamesAsked loader = new NamesAsked();

  @Test
  void aHeaderWithThousandsOfNamesIsParkedWithoutLookingAnyUp() {
    AtomicInteger handled = new AtomicInteger();
    String header =
        IntStream.range(0, 10_000)
                .mapToObj(i -> "com.example.Hostile" + i)
                .collect(Collectors.joining(";"))
            + ";"
            + Ping.class.getName();
    raw("inbox", "hostile", header);

    start(
        endpoint("inbox")
            .classLoader(loader)
            .recoverability(Recoverability.defaults())
            .handler(Ping.class, (ping, context) -> handled.incrementAndGet()));

    await().until(() -> memory.queueStats("error").ready() == 1);
    ReceivedMessage parked = Queues.drain(memory, "error").getFirst();
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.EXCEPTION_TYPE, MessageDeserializationException.class.getName())
        .containsEntry(
            Headers.EXCEPTION_MESSAGE,
            "message hostile names more than 32 types in its "
                + Headers.ENCLOSED_TYPES
                + " header");
    assertThat(handled).hasValue(0);
    assertThat(loader.asked).noneMatch(name -> name.startsWith("com.example.Hostile"));
  }

  @Test
  void unknownNamesAreSkippedUntilALaterNameHasAHandler() {
    List<Integer> handled = new CopyOnWriteArrayList<>();
    List<String> names = new ArrayList<>();
    names.add("com.example.Missing");
    names.add("not a class");
    names.add("1st.Class");
    names.add("trailing.");
    names.add(Orphan.class.getName());
    while (names.size() < 31) {
      names.add("shop.Unknown" + names.size());
    }
    names.add(Ping.class.getName());
    raw("inbox", "late-match", String.join(";", names));

    start(
        endpoint("inbox")
            .classLoader(loader)
            .handler(Ping.class, (ping, context) -> handled.add(ping.number())));

    await().until(() -> handled.contains(7));
    assertThat(loader.asked)
        .contains("com.example.Missing", Orphan.class.getName())
        .doesNotContain("not a class", "1st.Class", "trailing.");
  }

  private void raw(String queue, String id, String enclosedTypes) {
    memory.send(
        queue,
        List.of(
            OutgoingMessage.of(
                id,
                Map.of(
                    Headers.MESSAGE_ID, id,
                    Headers.CONTENT_TYPE, "application/json",
                    Headers.ENCLOSED_TYPES, enclosedTypes),
                "{\"number\":7}".getBytes(StandardCharsets.UTF_8))));
  }

  /** Records every class name the endpoint asks it for. */
  private static final class NamesAsked extends ClassLoader {
    final List<String> asked = new CopyOnWriteArrayList<>();

    NamesAsked() {
      super(EnclosedTypesHeaderTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      asked.add(name);
      return super.loadClass(name, resolve);
    }
  }
}
