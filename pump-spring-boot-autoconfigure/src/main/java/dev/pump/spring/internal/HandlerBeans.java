package dev.pump.spring.internal;

import dev.pump.core.Handler;
import dev.pump.core.PumpConfigurationException;
import dev.pump.spring.PumpEndpoint;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.ResolvableType;

/**
 * The application's {@link Handler} beans: each with the message type it handles (from the bean's
 * generic type, also for a {@code @Bean} method that returns a lambda) and the endpoint its {@link
 * PumpEndpoint} names, if any.
 */
public final class HandlerBeans {
  private HandlerBeans() {}

  /**
   * One handler bean.
   *
   * @param beanName the bean's name
   * @param messageType the message type it handles
   * @param endpoint the endpoint its {@link PumpEndpoint} names, null without one
   * @param singleton whether one instance serves every message
   */
  public record HandlerBean(
      String beanName, Class<?> messageType, String endpoint, boolean singleton) {}

  /**
   * Finds every handler bean of {@code beanFactory}.
   *
   * @throws PumpConfigurationException naming a bean whose message type cannot be told
   */
  public static List<HandlerBean> find(ConfigurableListableBeanFactory beanFactory) {
    List<HandlerBean> found = new ArrayList<>();
    for (String name : beanFactory.getBeanNamesForType(Handler.class, true, false)) {
      PumpEndpoint endpoint = beanFactory.findAnnotationOnBean(name, PumpEndpoint.class);
      boolean singleton = beanFactory.isSingleton(name);
      found.add(
          new HandlerBean(
              name,
              messageType(beanFactory, name),
              endpoint == null ? null : endpoint.value(),
              singleton));
    }
    return found;
  }

  private static Class<?> messageType(ConfigurableListableBeanFactory beanFactory, String name) {
    Class<?> type = null;
    try {
      BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
      type = handled(definition.getResolvableType());
    } catch (NoSuchBeanDefinitionException e) {
      // a singleton registered without a definition: its class is all there is
    }
    if (type == null) {
      Class<?> beanClass = beanFactory.getType(name);
      if (beanClass != null) {
        type = handled(ResolvableType.forClass(beanClass));
      }
    }
    if (type == null) {
      throw new PumpConfigurationException(
          "handler bean "
              + name
              + " does not say which message type it handles: declare it as Handler<YourMessage>"
              + " (a class implementing it, or a @Bean method returning it)");
    }
    return type;
  }

  private static Class<?> handled(ResolvableType beanType) {
    ResolvableType handler = beanType.as(Handler.class);
    if (handler == ResolvableType.NONE) {
      return null;
    }
    return handler.getGeneric(0).resolve();
  }
}
