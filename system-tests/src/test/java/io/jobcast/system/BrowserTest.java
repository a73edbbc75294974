package io.jobcast.system;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.PlaywrightException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** A test in Debian's Chromium against the running suite: one browser per class, a fresh profile per test. */
@ExtendWith(RunningSuite.class)
abstract class BrowserTest {

    static BrowserSession browser;
    BrowserContext context;

    @BeforeAll
    static void launch() {
        browser = BrowserSession.launch();
    }

    @AfterAll
    static void quit() {
        browser.close();
    }

    @BeforeEach
    void newProfile() {
        context = browser.newContext();
    }

    @AfterEach
    void closeProfile() {
        try {
            context.close();
        } catch (PlaywrightException e) {
            // A test's route still handling a request (its page polls the job's outputs too) may find the
            // profile closed under it; the test's assertions ran before this, anything else fails here.
            if (!String.valueOf(e.getMessage()).contains("has been closed")) {
                throw e;
            }
        }
    }
}
