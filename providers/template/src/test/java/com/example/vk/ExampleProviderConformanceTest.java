package com.example.vk;

import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.provider.testkit.ProviderConformanceTest;

/** The provider conformance suite, run against this plugin's factory by `mvn package`. */
class ExampleProviderConformanceTest extends ProviderConformanceTest {

    @Override
    protected ProviderFactory factory() {
        return new ExampleProviderFactory();
    }
}
