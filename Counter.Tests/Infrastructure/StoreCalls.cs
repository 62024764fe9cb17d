using System.Net.Http.Headers;
using System.Text;

namespace Counter.Tests.Infrastructure;

/// <summary>The store calls the process-level disk tests make over a store's client (<see cref="KvStoreProcess.CreateClient"/>).</summary>
public static class StoreCalls
{
    /// <summary>Every key reads back with exactly its expected value.</summary>
    public static async Task AssertAllReadableAsync(HttpClient client, Dictionary<string, string> expected)
    {
        foreach (var (key, value) in expected)
        {
            using var get = await client.GetAsync($"/v1/keys/{key}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(value, await get.Content.ReadAsStringAsync());
        }
    }

    public static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    public static Task<HttpResponseMessage> PutAsync(HttpClient client, string key, string json) =>
        client.PutAsync($"/v1/keys/{key}", new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
}
