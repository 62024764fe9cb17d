using Counter.Web.Pages;
using Microsoft.Extensions.Options;

namespace Counter.Web.Security;

/// <summary>
/// Refuses cross-origin unsafe requests, and reads that another site embeds or fetches (see
/// <see cref="CrossOriginRules"/>), with 403 and a short page, before any endpoint runs, so a
/// refused request changes nothing and starts no session. It replaces anti-forgery tokens:
/// no token to render, no cookie, and no Data Protection work on a page.
/// </summary>
public static partial class CrossOriginProtection
{
    public static WebApplicationBuilder AddCrossOriginProtection(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CrossOriginOptions>().BindConfiguration(CrossOriginOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CrossOriginOptions>, TrustedOriginsValidator>();
        builder.Services.AddSingleton(sp => new CrossOriginRules(sp.GetRequiredService<IOptions<CrossOriginOptions>>().Value.TrustedOrigins));
        return builder;
    }

    public static WebApplication UseCrossOriginProtection(this WebApplication app)
    {
        var rules = app.Services.GetRequiredService<CrossOriginRules>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CrossOriginProtection).FullName!);
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var headers = request.Headers;
            var verdict = rules.Check(request.Method, headers["Sec-Fetch-Site"], headers["Sec-Fetch-Mode"], headers["Sec-Fetch-Dest"], headers.Origin, request.Host.Value ?? "");
            if (!CrossOriginRules.Refuses(verdict))
            {
                await next(context);
                return;
            }
            LogRefused(logger, request.Method, request.Path);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = PageLayout.ContentType;
            PageLayout.ApplyHeaders(context.Response);
            await context.Response.WriteAsync(RefusedPage, context.RequestAborted);
        });
        return app;
    }

    private static readonly string RefusedPage = PageLayout.Render("Request refused", """
        <h1>Request refused</h1>
        <p>This request was sent by a page on another site, so nothing was changed.</p>
        <nav><a href="/">Back to the counter</a></nav>
        """);

    /// <summary>A malformed trusted origin stops web at start-up, naming the entry.</summary>
    private sealed class TrustedOriginsValidator : IValidateOptions<CrossOriginOptions>
    {
        public ValidateOptionsResult Validate(string? name, CrossOriginOptions options)
        {
            try
            {
                _ = new CrossOriginRules(options.TrustedOrigins);
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }

    [LoggerMessage(400, LogLevel.Information, "Refused a cross-origin {Method} {Path}")]
    private static partial void LogRefused(ILogger logger, string method, PathString path);
}
