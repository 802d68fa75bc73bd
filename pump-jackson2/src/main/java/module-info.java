/**
 * Pump's JSON serializer on Jackson 2, for applications whose mapper is Jackson 2 (Spring Boot 3):
 * {@link dev.pump.jackson2.Jackson2Serializer}.
 */
module dev.pump.jackson2 {
  requires transitive dev.pump.core;
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires com.fasterxml.jackson.module.paramnames;

  exports dev.pump.jackson2;
}
