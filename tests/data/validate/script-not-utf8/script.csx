// Café: saved as Latin-1
public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        if (this.Context.OperationId == "GetRecordSchema")
        {
            return await this.GetRecordSchemaAsync().ConfigureAwait(false);
        }
        var response = await this.Context.SendAsync(this.Context.Request, this.CancellationToken)
            .ConfigureAwait(false);
        if (this.Context.OperationId == "OnRecordAdded" && response.IsSuccessStatusCode)
        {
            // kintone answers without a Location header; the platform needs it to unsubscribe.
            var body = JObject.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            var id = body["id"]?.ToString();
            response.Headers.Location = new Uri(this.Context.Request.RequestUri, $"/k/v1/webhooks/{id}");
        }
        return response;
    }

    private async Task<HttpResponseMessage> GetRecordSchemaAsync()
    {
        var response = await this.Context.SendAsync(this.Context.Request, this.CancellationToken)
            .ConfigureAwait(false);
        var fields = JObject.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        var properties = new JObject();
        foreach (var field in (JObject)fields["properties"])
        {
            properties[field.Key] = new JObject { ["type"] = "string", ["x-ms-summary"] = field.Value["label"] };
        }
        response.Content = CreateJsonContent(new JObject { ["schema"] = new JObject { ["type"] = "object", ["properties"] = properties } }.ToString());
        return response;
    }
}
