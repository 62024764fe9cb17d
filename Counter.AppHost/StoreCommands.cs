using Counter.ServiceDefaults;

namespace Counter.AppHost;

/// <summary>The store's dashboard commands: the dump and clear-all, with the operations credential.</summary>
internal static class StoreCommands
{
    public const string DumpSessionsCommand = "dump-sessions";

    /// <summary>Sessions the dashboard's dump shows: a million would be a response the dashboard cannot display.</summary>
    public const int DumpShown = 100;
    public const string ClearSessionsCommand = "clear-sessions";

    /// <summary>
    /// Dashboard buttons on the store: show every session (the dump), or clear them all. They call
    /// the store's own API with its credential, which the AppHost adds to the request; the
    /// credential is never shown.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStoreCommands(this IResourceBuilder<ProjectResource> kvstore, IResourceBuilder<ParameterResource> credential)
    {
        // The command path is escaped as a path, so the prefix query is added here with the credential.
        Func<HttpCommandRequestContext, Task> Prepare(string query) => async context =>
        {
            context.Request.RequestUri = new UriBuilder(context.Request.RequestUri!) { Query = query }.Uri;
            context.Request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Bearer", await credential.Resource.GetValueAsync(context.CancellationToken));
        };

        return kvstore
            .WithHttpCommand("/v1/entries", "Dump sessions", commandName: DumpSessionsCommand, commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Get,
                Description = $"How many live sessions there are and the first {DumpShown} (storage keys are keyed hashes, not cookies); the dump command prints them all.",
                IconName = "List",
                PrepareRequest = Prepare($"prefix={StoreKeyPrefixes.Sessions}&limit={DumpShown}"),
                GetCommandResult = DumpSummaryAsync,
            })
            .WithHttpCommand("/v1/keys", "Clear all sessions", commandName: ClearSessionsCommand, commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Delete,
                ResultMode = HttpCommandResultMode.Json,
                Description = "Delete every session from the store; every visitor starts again at 1.",
                IconName = "Delete",
                ConfirmationMessage = "Delete every session in the store?",
                PrepareRequest = Prepare("prefix=" + StoreKeyPrefixes.Sessions),
            });
    }

    /// <summary>The dump command's text: the count, <see cref="DumpShown"/> of them (in the store's listing order), and how to get the rest.</summary>
    private static async Task<ExecuteCommandResult> DumpSummaryAsync(HttpCommandResultContext context)
    {
        if (!context.Response.IsSuccessStatusCode)
        {
            return CommandResults.Failure($"The store answered {(int)context.Response.StatusCode}: {await context.Response.Content.ReadAsStringAsync(context.CancellationToken)}");
        }
        var lines = (await context.Response.Content.ReadAsStringAsync(context.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var countRequest = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(context.Response.RequestMessage!.RequestUri!) { Path = "/v1/count", Query = "prefix=" + StoreKeyPrefixes.Sessions }.Uri);
        countRequest.Headers.Authorization = context.Response.RequestMessage.Headers.Authorization;
        using var countResponse = await context.HttpClient.SendAsync(countRequest, context.CancellationToken);
        countResponse.EnsureSuccessStatusCode();
        using var count = System.Text.Json.JsonDocument.Parse(await countResponse.Content.ReadAsStringAsync(context.CancellationToken));
        var total = count.RootElement.GetProperty("count").GetInt64();
        var text = new System.Text.StringBuilder()
            .AppendLine(System.FormattableString.Invariant($"{total} live sessions; {(total > lines.Length ? $"{lines.Length} of them" : "all of them")}:"))
            .AppendJoin('\n', lines).AppendLine()
            .Append("Every one, from a shell: KVSTORE_CREDENTIAL=<the kvstore-operations-credential parameter> dotnet run --project Counter.KvStore -- dump --url ")
            .AppendLine(context.Endpoint.Url);
        return CommandResults.Success(System.FormattableString.Invariant($"{total} live sessions"), text.ToString(), CommandResultFormat.Text);
    }
}
