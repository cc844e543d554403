package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.provider.testkit.ProviderConformanceTest;

class MockProviderConformanceTest extends ProviderConformanceTest {

    @Override
    protected ProviderFactory factory() {
        return new MockProviderFactory();
    }
}
