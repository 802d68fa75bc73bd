package dev.pump.core.spi;

/**
 * Turns messages into bytes and back. The endpoint writes {@link #contentType()} into every
 * outgoing message's {@code pump.content-type} header and refuses incoming messages with another
 * content type. Implementations must be thread-safe.
 */
public interface Serializer {
  /** The content type this serializer writes and reads, e.g. {@code application/json}. */
  String contentType();

  /**
   * Serializes a message.
   *
   * @throws MessageSerializationException if the message cannot be serialized; the pump treats any
   *     exception thrown here as one, so a handler whose send cannot be serialized is not retried
   */
  byte[] serialize(Object message);

  /**
   * Deserializes a body into {@code type}.
   *
   * @throws MessageDeserializationException if the body is not a valid {@code type}; the message
   *     then goes straight to the error queue
   */
  <T> T deserialize(byte[] body, Class<T> type);

  /**
   * Says why no body could ever be read into {@code type}, or returns {@code null} if one could.
   * {@link dev.pump.core.EndpointBuilder#build()} asks for every concrete type an endpoint handles,
   * so a type the serializer cannot construct is refused at start, not found when a message
   * arrives. The default finds no problem.
   */
  default String readProblem(Class<?> type) {
    return null;
  }
}
