package dev.pump.examples.guide;

import dev.pump.core.MessageName;
import java.util.List;

/** The messages the guide's snippets handle and send. */
public final class GuideMessages {
  private GuideMessages() {}

  /** A command with an order to price. */
  public record PriceOrder(String orderId, List<String> items) {}

  /** A command to notify every customer of a campaign. */
  public record StartCampaign(String campaignId, List<String> customers) {}

  /** A command to one customer, sent by the campaign. */
  public record NotifyCustomer(String campaignId, String customer) {}

  /** A command whose result arrives through a callback. */
  public record ScanDocument(String documentId) {}

  /** The reply to {@link ScanDocument}. */
  public record DocumentScanned(String documentId, String text) {}

  /** An event: an order's price is known. */
  public record OrderPriced(String orderId, long totalCents) {}

  /** A command sent later to check on an order. */
  public record CheckPayment(String orderId) {}

  // docs:message-name
  /** An event with a name of its own on the wire, and the names it had before. */
  @MessageName(value = "billing.InvoiceIssued", aliases = "billing.InvoiceSent")
  public record InvoiceIssued(String invoiceId, long totalCents) {}
  // docs:end
}
