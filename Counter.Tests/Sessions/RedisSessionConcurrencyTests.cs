using Counter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Counter.Tests.Sessions;

[Collection(RedisApp.Name)]
public sealed class RedisSessionConcurrencyTests(RedisAppFixture app, ITestOutputHelper output) : SessionConcurrencyTests(app, output);
