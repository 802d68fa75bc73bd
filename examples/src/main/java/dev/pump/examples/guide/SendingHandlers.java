package dev.pump.examples.guide;

import dev.pump.core.EndpointBuilder;
import dev.pump.core.SendOptions;
import dev.pump.examples.guide.GuideMessages.NotifyCustomer;
import dev.pump.examples.guide.GuideMessages.StartCampaign;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Sending many messages, and doing many operations at once, with a bound. */
public final class SendingHandlers {
  private SendingHandlers() {}

  /**
   * Batched (the default): sends wait in the context and leave together once the handler succeeded.
   */
  public static EndpointBuilder batched(EndpointBuilder builder) {
    // docs:batched-sends
    return builder.handler(
        StartCampaign.class,
        (campaign, context) -> {
          for (String customer : campaign.customers()) {
            context.send("notifications", new NotifyCustomer(campaign.campaignId(), customer));
          }
          // nothing has left yet: with an outbox these are rows in this message's transaction,
          // and the dispatcher relays them in batches of up to 100 messages or 256 KiB
        });
    // docs:end
  }

  /** Immediate dispatch: each send leaves during the call, from several threads at once. */
  public static EndpointBuilder immediate(EndpointBuilder builder) {
    // docs:immediate-sends
    return builder
        .immediateDispatchConcurrency(16) // the most immediate sends one message has in flight
        .handler(
            StartCampaign.class,
            (campaign, context) -> {
              List<Future<?>> sends = new ArrayList<>();
              try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String customer : campaign.customers()) {
                  sends.add(
                      senders.submit(() ->
                          context.send(
                              "notifications",
                              new NotifyCustomer(campaign.campaignId(), customer),
                              SendOptions
                                  .immediate()))); // leaves now, even if the handler fails later
                }
              } // waits for every send, bounded by immediateDispatchConcurrency
              for (Future<?> send : sends) {
                send.get(); // rethrows a failed send: the message is retried, and sends again
              }
            });
    // docs:end
  }

  /** Many calls to another service at once, bounded by a semaphore. */
  public static EndpointBuilder bounded(EndpointBuilder builder, HttpClient http) {
    // docs:bounded-calls
    return builder.handler(
        StartCampaign.class,
        (campaign, context) -> {
          Semaphore inFlight = new Semaphore(50); // at most 50 calls at once, not 10,000
          List<Future<Integer>> calls = new ArrayList<>();
          try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String customer : campaign.customers()) {
              inFlight.acquire(); // waits here, not in an unbounded pile of threads
              calls.add(
                  callers.submit(() -> {
                    try {
                      HttpRequest request =
                          HttpRequest.newBuilder(
                                  URI.create("https://mail.example/send/" + customer))
                              .build();
                      return http.send(request, HttpResponse.BodyHandlers.discarding())
                          .statusCode();
                    } finally {
                      inFlight.release();
                    }
                  }));
            }
          }
          for (Future<Integer> call : calls) {
            call.get(); // rethrows the first failure: the message is retried
          }
        });
    // docs:end
  }
}
