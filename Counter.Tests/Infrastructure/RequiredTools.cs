namespace Counter.Tests.Infrastructure;

/// <summary>
/// Tools from outside NuGet. A test that needs a missing one skips (xunit's dynamic skip) with the
/// install step; with COUNTER_REQUIRE_ALL_TESTS=1 (set by .ci/run, which installs them) a missing tool
/// fails instead.
/// </summary>
public static class RequiredTools
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static bool RequireAll => Environment.GetEnvironmentVariable("COUNTER_REQUIRE_ALL_TESTS") == "1";

    public static void SkipUnlessChromium() => SkipUnless(File.Exists(ChromiumPath),
        $"Chromium is not installed at {ChromiumPath}; install it with: sudo apt-get install -y chromium");

    /// <summary>For a tool a test can run without (doing less, and saying so): whether it is usable; with COUNTER_REQUIRE_ALL_TESTS=1 a missing one fails.</summary>
    public static bool Usable(bool available, string installStep)
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
        Assert.SkipUnless(available, installStep);
    }
}
