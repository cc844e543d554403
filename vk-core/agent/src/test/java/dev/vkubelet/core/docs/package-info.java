/** Tests that the operator documentation says what the code does. */
package dev.vkubelet.core.docs;
