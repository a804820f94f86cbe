"""What the API renders as a comment: a stored row, or one just accepted."""

from models import Comment
from service.moderation.intake.submission import AcceptedComment

CommentLike = Comment | AcceptedComment
