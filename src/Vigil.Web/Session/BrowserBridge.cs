using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Vigil.Web.Session;

/// <summary>The one JavaScript module the client uses (storage, activity, scrolling, downloads), imported once.</summary>
public sealed class BrowserBridge(IJSRuntime js) : IAsyncDisposable
{
    private Task<IJSObjectReference>? _module;

    private Task<IJSObjectReference> Module => _module ??= js.InvokeAsync<IJSObjectReference>("import", "./js/vigil.js").AsTask();

    public async ValueTask InvokeVoidAsync(string identifier, params object?[] args) =>
        await (await Module).InvokeVoidAsync(identifier, args);

    public async ValueTask<T> InvokeAsync<T>(string identifier, params object?[] args) =>
        await (await Module).InvokeAsync<T>(identifier, args);

    public ValueTask<string?> LoadAsync(string key) => InvokeAsync<string?>("load", key);

    public ValueTask SaveAsync(string key, string value) => InvokeVoidAsync("save", key, value);

    public ValueTask RemoveAsync(string key) => InvokeVoidAsync("remove", key);

    public ValueTask ScrollToBottomAsync(ElementReference element) => InvokeVoidAsync("scrollToBottom", element);

    public async ValueTask DownloadAsync(string fileName, string contentType, byte[] content)
    {
        using var stream = new DotNetStreamReference(new MemoryStream(content));
        await InvokeVoidAsync("download", fileName, contentType, stream);
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is { IsCompletedSuccessfully: true })
        {
            try
            {
                await _module.Result.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The page is going away; nothing to release.
            }
        }
    }
}
