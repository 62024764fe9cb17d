using Counter.AppHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var builder = DistributedApplication.CreateBuilder(args);
// The generated secrets below live in the user-secrets file: owner-only, folder and file.
builder.RestrictUserSecretsToOwner();
// A setting under a name it had before still works, with a warning at start (written below).
builder.Configuration.MoveSettings(builder.Services, CounterSettings.Moved);
var settings = CounterSettings.From(builder);
settings.Validate();

// Secrets the AppHost generates once and keeps in its user secrets: the store's two credentials
// (web's may only do what a session layer does; operations' may list, dump and clear), and the key
// that hashes session identifiers into storage keys.
var webCredential = builder.AddParameter("kvstore-web-credential", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
var operationsCredential = builder.AddParameter("kvstore-operations-credential", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
var sessionKeySecret = builder.AddParameter("session-key-secret", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);
// Seals cookie mode's Data Protection master keys before they reach the store.
var keyRingKey = builder.AddParameter("keyring-encryption-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

// The key-value store: on its embedded engine (data in one folder, one process), or stateless in
// front of a Redis-protocol server (then it may run as several replicas).
var kvstore = builder.AddProject<Projects.Counter_KvStore>("kvstore")
    .WithStorageBackend(builder, settings)
    .WithEnvironment("Credentials__Web", webCredential)
    .WithEnvironment("Credentials__Operations", operationsCredential)
    .WithTestClock(settings)
    .WithTestFaults(settings)
    .WithServerTiming(settings)
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", url => url.DisplayText = "KV store API")
    .WithUrlForEndpoint("http", _ => new ResourceUrlAnnotation { Url = "/openapi/v1.json", DisplayText = "OpenAPI document" })
    .WithStoreCommands(operationsCredential);

// The counter page reaches the store by service discovery ("kvstore") with the web credential.
builder.AddProject<Projects.Counter_Web>("web")
    .WithKvStoreReference(kvstore, webCredential)
    .WithEnvironment("Session__Mode", settings.SessionMode.ToString())
    .WithEnvironment("Session__KeySecret", sessionKeySecret)
    .WithEnvironment("KeyRing__KeyEncryptionKey", keyRingKey)
    .WithTestClock(settings)
    .WithServerTiming(settings)
    .WithReplicas(settings.WebReplicas)
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", url => url.DisplayText = "Counter page")
    .WithExternalHttpEndpoints();

var app = builder.Build();
app.Services.GetService<MovedSettingsWarnings>()?.Write();
app.Run();
