package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderFactory;
import java.time.Clock;
import org.pf4j.Extension;

/** The {@code mock} provider. */
@Extension
public final class MockProviderFactory implements ProviderFactory {

    /** The name users pass to {@code --provider}. */
    public static final String NAME = "mock";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PodLifecycleHandler create(ProviderContext context) {
        MockConfig config = context.configPath()
                .map(path -> MockConfig.load(path, context.nodeName()))
                .orElseGet(MockConfig::defaults);
        return new MockProvider(context, config, Clock.systemUTC());
    }
}
