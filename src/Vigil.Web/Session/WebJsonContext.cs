using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Web.Session;

/// <summary>Source-generated JSON for what the client stores itself (trim-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StoredSession))]
internal sealed partial class WebJsonContext : JsonSerializerContext;
