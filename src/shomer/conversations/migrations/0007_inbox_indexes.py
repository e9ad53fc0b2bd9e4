# The inbox's "open tickets, SLA due first" read in order from partial indexes, and lists
# ordered by the last update read newest first from an index.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0006_message_delivery'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='ticket',
            name='conversatio_assigne_7a9d93_idx',
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('merged_into__isnull', True), ('status__in', ['new', 'open', 'pending', 'on_hold'])), fields=['assignee', 'sla_due_at', 'id'], name='ticket_open_assignee_sla'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('merged_into__isnull', True), ('status__in', ['new', 'open', 'pending', 'on_hold'])), fields=['team', 'sla_due_at', 'id'], name='ticket_open_team_sla'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['-updated_at', '-id'], name='ticket_updated'),
        ),
    ]
