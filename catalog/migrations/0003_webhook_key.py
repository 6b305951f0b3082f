"""Deduplicate webhook deliveries on a hash of the whole id, and keep the id uncut."""

import hashlib

from django.db import migrations, models


def fill_keys(apps, schema_editor) -> None:
    WebhookDelivery = apps.get_model("catalog", "WebhookDelivery")
    for delivery in WebhookDelivery.objects.only("pk", "webhook_id").iterator():
        key = hashlib.sha256(delivery.webhook_id.encode()).hexdigest()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(webhook_key=key)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_webhook_delivery")]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="webhook_key",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="webhook_key",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="webhook_id",
            field=models.TextField(help_text="X-Shopify-Webhook-Id, as sent."),
        ),
    ]
