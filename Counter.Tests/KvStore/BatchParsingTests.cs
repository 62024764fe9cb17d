using System.Text;
using Counter.KvStore.Api;
using Counter.KvStore.Storage;
using Microsoft.AspNetCore.Http;

namespace Counter.Tests.KvStore;

/// <summary>
/// How <c>POST /v1/batch</c> reads its body: each put's key, value, condition and expiry as a single
/// PUT would; a malformed item refuses the whole call; a value over the limit refuses only its put.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BatchParsingTests
{
    private static readonly ApiLimits Limits = new();

    [Fact]
    public void EachPutKeepsItsKeyValueConditionAndExpiry()
    {
        var parsed = Parse("""{"puts":[{"key":"a","value":{"n":1},"ifMatch":"\"41\"","ttl":60},{"key":"b","value":2,"ifNoneMatch":"*"},{"key":"c","value":"x"}]}""");

        Assert.NotNull(parsed);
        Assert.Null(parsed.Error);
        var puts = parsed.Items.Select(i => i.Put!).ToList();
        Assert.Equal(["a", "b", "c"], puts.Select(p => p.Key));
        Assert.Equal("""{"n":1}""", Encoding.UTF8.GetString(puts[0].Value));
        Assert.Equal(new WriteCondition(IfMatch: 41), puts[0].Condition);
        Assert.Equal(TimeSpan.FromSeconds(60), puts[0].TimeToLive);
        Assert.Equal(new WriteCondition(IfNoneMatch: true), puts[1].Condition);
        Assert.Equal(WriteCondition.None, puts[2].Condition);
        Assert.Null(puts[2].TimeToLive);
    }

    [Theory]
    [InlineData("""[]""")]
    [InlineData("""{"puts":[]}""")]
    [InlineData("""{"puts":{}}""")]
    [InlineData("""{"items":[{"key":"a","value":1}]}""")]
    [InlineData("""{"puts":null}""")]
    [InlineData("""5""")]
    public void AWrongShapeIsNoBatch(string body)
    {
        Assert.Null(Parse(body));
    }

    [Fact]
    public void MoreThanTheMostPutsIsNoBatch()
    {
        var puts = string.Join(',', Enumerable.Range(0, BatchApi.MaxPuts + 1).Select(i => $$"""{"key":"k{{i}}","value":1}"""));

        Assert.Null(Parse($$"""{"puts":[{{puts}}]}"""));
        Assert.NotNull(Parse($$"""{"puts":[{{puts[(puts.IndexOf('}') + 2)..]}}]}"""));
    }

    [Theory]
    [InlineData("""{"puts":[{"key":"ok","value":1},{"key":"bad key","value":1}]}""", "puts[1]: The key contains")]
    [InlineData("""{"puts":[{"key":"a","value":1,"ifMatch":"\"1\"","ifNoneMatch":"*"}]}""", "puts[0]: Send If-Match or If-None-Match, not both.")]
    [InlineData("""{"puts":[{"key":"a","value":1,"ttl":0}]}""", "puts[0]: ttl must be")]
    [InlineData("""{"puts":[{"key":"a","value":1,"ttl":"60"}]}""", "puts[0]: \"ttl\" must be a number, not a string.")]
    [InlineData("""{"puts":[{"key":"a","value":1,"ttl":1.5}]}""", "puts[0]: ttl must be")]
    [InlineData("""{"puts":[{"value":1}]}""", "puts[0]: \"key\" is missing.")]
    [InlineData("""{"puts":[{"key":"a"}]}""", "puts[0]: \"value\" is missing.")]
    [InlineData("""{"puts":[{"key":"a","value":1},5]}""", "puts[1] must be an object")]
    [InlineData("""{"puts":[{"key":"a","value":1,"IfMatch":"\"1\""}]}""", "puts[0]: unknown field \"IfMatch\"")]
    [InlineData("""{"puts":[{"key":"a","value":1,"ifMatch":"\"1\"","ifMatch":"\"2\""}]}""", "puts[0]: the field \"ifMatch\" appears more than once.")]
    [InlineData("""{"puts":[{"key":"a","value":1,"ifMatch":""}]}""", "puts[0]: \"ifMatch\" is empty")]
    [InlineData("""{"puts":[{"key":"a","value":1,"ifNoneMatch":" "}]}""", "puts[0]: \"ifNoneMatch\" is empty")]
    public void ABadItemRefusesTheWholeCallNamingIt(string body, string detail)
    {
        var parsed = Parse(body);

        Assert.NotNull(parsed?.Error);
        Assert.Equal(StatusCodes.Status400BadRequest, parsed.Error.StatusCode);
        Assert.StartsWith(detail, parsed.Error.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every field with every JSON type it must not have: a 400 naming the item and the field, never a
    /// put that goes ahead without the condition (a number as ifMatch was once read as no condition).
    /// </summary>
    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void AFieldOfTheWrongJsonTypeIsRefusedNamingIt(string field, string wrongValue)
    {
        var fields = new Dictionary<string, string> { ["key"] = "\"a\"", ["value"] = "1", [field] = wrongValue };
        var item = string.Join(',', fields.Select(f => $"\"{f.Key}\":{f.Value}"));

        var parsed = Parse($$"""{"puts":[{"key":"ok","value":1},{{{item}}}]}""");

        Assert.NotNull(parsed?.Error);
        Assert.Equal(StatusCodes.Status400BadRequest, parsed.Error.StatusCode);
        Assert.StartsWith($"puts[1]: \"{field}\" must be a ", parsed.Error.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> WrongTypes()
    {
        var data = new TheoryData<string, string>();
        string[] all = ["1", "2.5", "\"\\\"1\\\"\"", "true", "false", "null", "[]", "[\"\\\"1\\\"\"]", "{}", "{\"etag\":\"\\\"1\\\"\"}"];
        foreach (var (field, isNumber) in new[] { ("key", false), ("ifMatch", false), ("ifNoneMatch", false), ("ttl", true) })
        {
            foreach (var value in all)
            {
                var isString = value.StartsWith('"');
                var isNumeric = value is "1" or "2.5";
                if ((isNumber && !isNumeric) || (!isNumber && !isString))
                {
                    data.Add(field, value);
                }
            }
        }
        return data;
    }

    [Fact]
    public void AValueOverTheLimitRefusesOnlyItsPut()
    {
        var large = new string('x', Limits.MaxValueBytes);
        var parsed = Parse($$"""{"puts":[{"key":"a","value":1},{"key":"b","value":"{{large}}"}]}""");

        Assert.NotNull(parsed);
        Assert.Null(parsed.Error);
        Assert.NotNull(parsed.Items[0].Put);
        Assert.Equal(WriteOutcome.TooLarge, parsed.Items[1].Refused?.Outcome);
    }

    [Fact]
    public void TheWebTierMayOnlyCreateKeyRingEntries()
    {
        var web = new DefaultHttpContext();
        KeyRingWriteRule.MarkWebTier(web);

        var replace = BatchApi.Parse(Bytes("""{"puts":[{"key":"dataprotection:k","value":"<key/>"}]}"""), Limits, web);
        var create = BatchApi.Parse(Bytes("""{"puts":[{"key":"dataprotection:sealed:key-0f8fad5b-d9cb-469f-a165-70867728950e","value":"<key/>","ifNoneMatch":"*"}]}"""), Limits, web);
        var operations = Parse("""{"puts":[{"key":"dataprotection:k","value":"<key/>"}]}""");

        Assert.Equal(StatusCodes.Status403Forbidden, replace?.Error?.StatusCode);
        Assert.Null(create?.Error);
        Assert.Null(operations?.Error);
    }

    private static BatchApi.Parsed? Parse(string body) => BatchApi.Parse(Bytes(body), Limits, new DefaultHttpContext());

    private static byte[] Bytes(string body) => Encoding.UTF8.GetBytes(body);
}
