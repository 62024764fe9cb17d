namespace Counter.Tests.Infrastructure;

/// <summary>
/// Tools from outside NuGet. A test that needs a missing one skips with the install step; with
/// COUNTER_REQUIRE_ALL_TESTS=1 (set by .ci/run, which installs them) a missing tool fails instead.
/// </summary>
public static class RequiredTools
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static bool RequireAll => Environment.GetEnvironmentVariable("COUNTER_REQUIRE_ALL_TESTS") == "1";

    public static void SkipUnlessChromium() => SkipUnless(File.Exists(ChromiumPath),
        $"Chromium is not installed at {ChromiumPath}; install it with: sudo apt-get install -y chromium");

    /// <summary>
    /// For a test that can run without the tool, leaving out what needs it: whether it is available.
    /// With COUNTER_REQUIRE_ALL_TESTS=1 a missing tool fails the test instead.
    /// </summary>
    public static bool Optional(bool available, string installStep)
    {
        if (!available && RequireAll)
        {
            Assert.Fail($"COUNTER_REQUIRE_ALL_TESTS=1 but a tool is missing. {installStep}");
        }
        return available;
    }

    public static void SkipUnless(bool available, string installStep)
    {
        if (!available && RequireAll)
        {
            Assert.Fail($"COUNTER_REQUIRE_ALL_TESTS=1 but a tool is missing. {installStep}");
        }
        Skip.IfNot(available, installStep);
    }
}
