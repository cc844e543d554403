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
        // one instance serves every node of the configuration file (MultiNodeProvider): each node
        // takes its own entry of the file as the host adds it
        return new MockProvider(context, node -> node.configPath()
                .map(path -> MockConfig.load(path, node.nodeName()))
                .orElseGet(MockConfig::defaults), Clock.systemUTC());
    }
}
