using Counter.Tests.Infrastructure;

namespace Counter.Tests.Operations;

/// <summary>The test clock's hook answers bad input with 400, not a 500 (it runs only outside Production).</summary>
[Collection(EmbeddedApp.Name)]
public sealed class TestClockInputTests(EmbeddedAppFixture app)
{
    [Theory]
    [InlineData("abc")]
    [InlineData("1e300")]
    [InlineData("NaN")]
    [InlineData("")]
    public async Task ABadOffsetGets400AndLeavesTheClockAlone(string offset)
    {
        using var store = app.CreateStoreClient();

        using var response = await store.PostAsync($"/_testing/clock?offsetSeconds={Uri.EscapeDataString(offset)}", null);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "offsetSeconds must be a number");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1e300")]
    [InlineData("Infinity")]
    public async Task ABadStepGets400(string step)
    {
        using var store = app.CreateStoreClient();

        using var response = await store.PostAsync($"/_testing/clock?stepSeconds={Uri.EscapeDataString(step)}", null);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "stepSeconds must be a number");
    }

    [Fact]
    public async Task ACallWithNeitherGets400()
    {
        using var store = app.CreateStoreClient();

        using var response = await store.PostAsync("/_testing/clock", null);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "or stepSeconds");
    }
}
